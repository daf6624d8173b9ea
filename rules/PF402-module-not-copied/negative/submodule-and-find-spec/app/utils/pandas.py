import importlib.util

if importlib.util.find_spec("pandas"):
    import pandas as pd

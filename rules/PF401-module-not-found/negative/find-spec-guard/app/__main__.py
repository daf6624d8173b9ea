import importlib.util

from app.utils import pandas as pd_utils

if importlib.util.find_spec("pandas"):
    import pandas as pd
    import numpy
enabled = importlib.util.find_spec("yaml") is not None
if enabled:
    import yaml

from tools.helper import X
def main():
    print("cli ok", X)

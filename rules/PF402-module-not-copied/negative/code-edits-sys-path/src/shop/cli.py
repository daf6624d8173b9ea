import sys, os
sys.path.insert(0, os.getcwd())
import helpers
def main():
    print('ok', helpers.X)

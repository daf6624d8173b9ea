print("installed")

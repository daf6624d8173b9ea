from a import app as application

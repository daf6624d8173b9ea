app = (

class Settings:
    """Settings of the library."""

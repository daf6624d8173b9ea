import pytest

from app.main import app

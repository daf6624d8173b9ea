import unittest


class TestApi(unittest.TestCase):
    def test_ok(self) -> None:
        self.assertTrue(True)

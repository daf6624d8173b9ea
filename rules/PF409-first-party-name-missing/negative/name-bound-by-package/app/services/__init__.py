from .search import search as search_index

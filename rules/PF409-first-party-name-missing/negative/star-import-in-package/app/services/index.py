indexer = object()

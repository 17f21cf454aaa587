"""Model -> model steps: component resolution, metadata, ids, digests."""

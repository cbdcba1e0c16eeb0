"""The ensure-study classroom platform's object-storage client (boto3)."""

from .storage import BUCKETS, EnsureStudyStorage

__all__ = ["BUCKETS", "EnsureStudyStorage"]

"""More units than fit in memory, and more than one process: the stream's passes, the data cut into
parts, the partitioned evaluation and its process pool.
"""

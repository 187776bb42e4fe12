"""What an auditor reads: the semantic diff of two policies, their impact on units, weight sweeps,
result records, explanations.
"""

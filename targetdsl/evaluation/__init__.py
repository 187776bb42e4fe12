"""Evaluation: the lowered graph of named quantities, its two evaluators (the reference interpreter
that explains, and generated code), the engine's class-wide steps and the results.
"""

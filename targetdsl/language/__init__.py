"""The language: policy text parsed, inherited, checked and laid out per class (the schema), and
formatted.
"""

"""What a policy author works with: policy tests, the language server, the editors' highlighting
grammars.
"""

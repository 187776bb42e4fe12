"""The units' data: files read into raw documents (YAML, JSON, CSV, Excel, folders), validated against
the schema into typed units; carried-in awards and last year's results.
"""

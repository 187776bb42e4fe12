"""What the target office prints and fills in: text and CSV tables, the results workbook, the HTML
report, score cards, the data-entry template.
"""

"""The regulation (郑建文〔2021〕185号, 行政执法全过程记录制度) as plain data and functions.

Nothing here imports Django: every rule is a frozen dataclass or a function, and every rule
names the article (第N条) it comes from, so that the code and the pages that enforce it can
point the user to it.
"""

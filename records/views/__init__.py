"""The staff UI of the case files (/cases/), split by concern: the case list, the case page,
serving originals (download and play), and the entry forms. Every view reads through the
access gate and writes its access-log line before content leaves (第二十八条, 第二十九条)."""

"""The bound of every amount of money (SPEC §7.3, §7.4: integer won in bigint columns)."""

# The most won one amount, limit or total may be: above any real purchase (manual 004 shows a
# monthly purchase limit of 9,999,999,999,999 won) and far below a bigint (about 9.2 × 10¹⁸),
# so sums of many such amounts, and the discount arithmetic, stay in range.
WON_MAX = 10**15

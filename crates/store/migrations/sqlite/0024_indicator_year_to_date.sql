-- An indicator's own year-to-date rule (sqlite), where the table it was imported from states one:
-- in a note above the header ("the mean of the periods for rates and percentages") or by a
-- year-to-date column whose figures one rule reproduces.
--
-- * The word is the core's YearToDateRule::word: 'sum' (of the periods), 'mean' (of the
--   periods) or 'latest' (the period's own figure), read back with its parse.
-- * NULL is the rule by measure type and unit, as before this migration: the sum for counts
--   and money, the mean for percentages, rates and days, the period's figure for a cumulative
--   measure or a change. Indicators stored before keep it, so their year to date is unchanged.
ALTER TABLE indicators ADD COLUMN year_to_date TEXT
    CHECK (year_to_date IN ('sum', 'mean', 'latest'));

-- Governors see sign-off registers as totals (signed, outstanding, overdue per school) unless the trust turns names on.
ALTER TABLE trust ADD COLUMN governors_see_names boolean NOT NULL DEFAULT false;

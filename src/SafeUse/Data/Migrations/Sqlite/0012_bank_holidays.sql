-- Bank holidays, per region, so "within one working day" deadlines step over them (KCSIE: the local authority
-- designated officer is told of an allegation against staff within one working day). Seeded with England and Wales
-- for 2025 to 2027 as GOV.UK lists them (www.gov.uk/bank-holidays), substitute days included; administrators add
-- later years on the bank holidays settings page.
CREATE TABLE bank_holiday (
    id INTEGER NOT NULL CONSTRAINT pk_bank_holiday PRIMARY KEY AUTOINCREMENT,
    date TEXT NOT NULL,
    name TEXT NOT NULL,
    region TEXT NOT NULL
);

CREATE UNIQUE INDEX ix_bank_holiday_region_date ON bank_holiday (region, date);

INSERT INTO bank_holiday (date, name, region) VALUES
    ('2025-01-01', 'New Year''s Day', 'england-and-wales'),
    ('2025-04-18', 'Good Friday', 'england-and-wales'),
    ('2025-04-21', 'Easter Monday', 'england-and-wales'),
    ('2025-05-05', 'Early May bank holiday', 'england-and-wales'),
    ('2025-05-26', 'Spring bank holiday', 'england-and-wales'),
    ('2025-08-25', 'Summer bank holiday', 'england-and-wales'),
    ('2025-12-25', 'Christmas Day', 'england-and-wales'),
    ('2025-12-26', 'Boxing Day', 'england-and-wales'),
    ('2026-01-01', 'New Year''s Day', 'england-and-wales'),
    ('2026-04-03', 'Good Friday', 'england-and-wales'),
    ('2026-04-06', 'Easter Monday', 'england-and-wales'),
    ('2026-05-04', 'Early May bank holiday', 'england-and-wales'),
    ('2026-05-25', 'Spring bank holiday', 'england-and-wales'),
    ('2026-08-31', 'Summer bank holiday', 'england-and-wales'),
    ('2026-12-25', 'Christmas Day', 'england-and-wales'),
    ('2026-12-28', 'Boxing Day (substitute day)', 'england-and-wales'),
    ('2027-01-01', 'New Year''s Day', 'england-and-wales'),
    ('2027-03-26', 'Good Friday', 'england-and-wales'),
    ('2027-03-29', 'Easter Monday', 'england-and-wales'),
    ('2027-05-03', 'Early May bank holiday', 'england-and-wales'),
    ('2027-05-31', 'Spring bank holiday', 'england-and-wales'),
    ('2027-08-30', 'Summer bank holiday', 'england-and-wales'),
    ('2027-12-27', 'Christmas Day (substitute day)', 'england-and-wales'),
    ('2027-12-28', 'Boxing Day (substitute day)', 'england-and-wales');

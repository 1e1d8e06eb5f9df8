-- A school's own questions for a kind of report (one per line, "(required)" kept as a flag), and the optional
-- questions SafeUse ships that the school chose not to ask (their codes, comma-separated). Questions the law or the
-- routing depends on are always asked and cannot be left out.
ALTER TABLE report_kind_setting ADD COLUMN questions TEXT NULL;
ALTER TABLE report_kind_setting ADD COLUMN omitted TEXT NULL;

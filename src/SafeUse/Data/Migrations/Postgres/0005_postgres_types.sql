-- SafeUse schema 0005 (PostgreSQL): policy.owner_role held the Role enum's number ('7') instead of its name,
-- because the nullable enum had no string converter. The column stays text; the numbers become the names
-- (in the order of the Role enum when this script was written), so queries by role name find these rows.

UPDATE policy SET owner_role = CASE owner_role
    WHEN '0' THEN 'Staff'
    WHEN '1' THEN 'LineManager'
    WHEN '2' THEN 'SeniorLeader'
    WHEN '3' THEN 'Head'
    WHEN '4' THEN 'ExecutiveLeader'
    WHEN '5' THEN 'Dsl'
    WHEN '6' THEN 'DeputyDsl'
    WHEN '7' THEN 'OnlineSafetyLead'
    WHEN '8' THEN 'ItLead'
    WHEN '9' THEN 'Dpo'
    WHEN '10' THEN 'Governor'
    WHEN '11' THEN 'Administrator'
END
WHERE owner_role IN ('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11');

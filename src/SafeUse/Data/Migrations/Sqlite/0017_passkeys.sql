-- Passkeys and security keys (WebAuthn, issue 17) as a kind of second factor ("Passkey"), in second_factor's own
-- columns: the credential id the browser names it by (unique: a passkey belongs to one person), its COSE public key,
-- signature counter, the random user handle it was made for, its model (AAGUID), transports and backup flags.
-- passkey_ceremony holds each registration or sign-in in progress (its options and challenge), used once.
ALTER TABLE second_factor ADD COLUMN credential_id TEXT NULL;
ALTER TABLE second_factor ADD COLUMN public_key BLOB NULL;
ALTER TABLE second_factor ADD COLUMN sign_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE second_factor ADD COLUMN user_handle BLOB NULL;
ALTER TABLE second_factor ADD COLUMN aaguid TEXT NULL;
ALTER TABLE second_factor ADD COLUMN transports TEXT NULL;
ALTER TABLE second_factor ADD COLUMN backup_eligible INTEGER NOT NULL DEFAULT 0;
ALTER TABLE second_factor ADD COLUMN backed_up INTEGER NOT NULL DEFAULT 0;

CREATE UNIQUE INDEX ix_second_factor_credential_id ON second_factor (credential_id);

CREATE TABLE passkey_ceremony (
    id TEXT NOT NULL CONSTRAINT pk_passkey_ceremony PRIMARY KEY,
    purpose TEXT NOT NULL,
    person_id INTEGER NULL,
    options TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

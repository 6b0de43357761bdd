-- The schema of release 0.1.0 (before migrations), as create_all made it on sqlite.
-- Frozen: the migration tests build an old database from it. Never edit.
CREATE TABLE admin_token (
	id INTEGER NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (id), 
	UNIQUE (name)
)
;;
CREATE UNIQUE INDEX ix_admin_token_token_hash ON admin_token (token_hash)
;;
CREATE TABLE audit_log (
	id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	action VARCHAR(80) NOT NULL, 
	target VARCHAR(120) NOT NULL, 
	detail VARCHAR(4000) NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_audit_log_action ON audit_log (action)
;;
CREATE INDEX ix_audit_log_at ON audit_log (at)
;;
CREATE TABLE captcha_challenge (
	id VARCHAR(32) NOT NULL, 
	scope VARCHAR(120) NOT NULL, 
	answer_hash VARCHAR(64) NOT NULL, 
	expires_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_captcha_challenge_expires_at ON captcha_challenge (expires_at)
;;
CREATE TABLE objection_case (
	id INTEGER NOT NULL, 
	case_number VARCHAR(12) NOT NULL, 
	key_hash VARCHAR(64) NOT NULL, 
	notice_id VARCHAR(90) NOT NULL, 
	year INTEGER NOT NULL, 
	entrant_id VARCHAR(40) NOT NULL, 
	reasons VARCHAR(300) NOT NULL, 
	reporter_kind VARCHAR(20) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	received_at DATETIME NOT NULL, 
	updated_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	replied_at DATETIME, 
	purged_at DATETIME, 
	reporter_sealed BLOB, 
	statement_sealed BLOB, 
	reply_sealed BLOB, 
	PRIMARY KEY (id)
)
;;
CREATE UNIQUE INDEX ix_objection_case_case_number ON objection_case (case_number)
;;
CREATE INDEX ix_objection_case_closed_at ON objection_case (closed_at)
;;
CREATE INDEX ix_objection_case_entrant_id ON objection_case (entrant_id)
;;
CREATE INDEX ix_objection_case_notice_id ON objection_case (notice_id)
;;
CREATE INDEX ix_objection_case_received_at ON objection_case (received_at)
;;
CREATE INDEX ix_objection_case_status ON objection_case (status)
;;
CREATE TABLE vote (
	id INTEGER NOT NULL, 
	ballot_id VARCHAR(40) NOT NULL, 
	voter_key VARCHAR(64) NOT NULL, 
	period_key VARCHAR(10) NOT NULL, 
	choices VARCHAR(900) NOT NULL, 
	receipt_digest VARCHAR(64) NOT NULL, 
	created_at DATETIME NOT NULL, 
	address_key VARCHAR(64) NOT NULL, 
	invalidated_at DATETIME, 
	invalidated_reason VARCHAR(500), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_vote_once_per_period UNIQUE (ballot_id, voter_key, period_key), 
	UNIQUE (receipt_digest)
)
;;
CREATE TABLE objection_event (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	from_status VARCHAR(20) NOT NULL, 
	to_status VARCHAR(20) NOT NULL, 
	replied BOOLEAN NOT NULL, 
	note_sealed BLOB, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES objection_case (id)
)
;;
CREATE INDEX ix_objection_event_case_id ON objection_event (case_id)
;;
CREATE TABLE objection_file (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	storage_name VARCHAR(64) NOT NULL, 
	extension VARCHAR(8) NOT NULL, 
	size INTEGER NOT NULL, 
	purged_at DATETIME, 
	name_sealed BLOB, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES objection_case (id), 
	UNIQUE (storage_name)
)
;;
CREATE INDEX ix_objection_file_case_id ON objection_file (case_id)
;;
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
;;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END
;;

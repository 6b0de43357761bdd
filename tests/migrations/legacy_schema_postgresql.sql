-- The schema of release 0.1.0 (before migrations), as create_all made it on postgresql
-- with SQLModel 0.0.22 (plain datetime fields were TIMESTAMP WITHOUT TIME ZONE).
-- Frozen: the migration tests build an old database from it. Never edit.
CREATE TABLE admin_token (
	id SERIAL NOT NULL, 
	name VARCHAR(80) NOT NULL, 
	token_hash VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	revoked_at TIMESTAMP WITHOUT TIME ZONE, 
	PRIMARY KEY (id), 
	UNIQUE (name)
)
;;
CREATE UNIQUE INDEX ix_admin_token_token_hash ON admin_token (token_hash)
;;
CREATE TABLE audit_log (
	id SERIAL NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
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
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	PRIMARY KEY (id)
)
;;
CREATE INDEX ix_captcha_challenge_expires_at ON captcha_challenge (expires_at)
;;
CREATE TABLE objection_case (
	id SERIAL NOT NULL, 
	case_number VARCHAR(12) NOT NULL, 
	key_hash VARCHAR(64) NOT NULL, 
	notice_id VARCHAR(90) NOT NULL, 
	year INTEGER NOT NULL, 
	entrant_id VARCHAR(40) NOT NULL, 
	reasons VARCHAR(300) NOT NULL, 
	reporter_kind VARCHAR(20) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	received_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	updated_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	closed_at TIMESTAMP WITHOUT TIME ZONE, 
	replied_at TIMESTAMP WITHOUT TIME ZONE, 
	purged_at TIMESTAMP WITHOUT TIME ZONE, 
	reporter_sealed BYTEA, 
	statement_sealed BYTEA, 
	reply_sealed BYTEA, 
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
	id SERIAL NOT NULL, 
	ballot_id VARCHAR(40) NOT NULL, 
	voter_key VARCHAR(64) NOT NULL, 
	period_key VARCHAR(10) NOT NULL, 
	choices VARCHAR(900) NOT NULL, 
	receipt_digest VARCHAR(64) NOT NULL, 
	created_at TIMESTAMP WITH TIME ZONE NOT NULL, 
	address_key VARCHAR(64) NOT NULL, 
	invalidated_at TIMESTAMP WITH TIME ZONE, 
	invalidated_reason VARCHAR(500), 
	PRIMARY KEY (id), 
	CONSTRAINT uq_vote_once_per_period UNIQUE (ballot_id, voter_key, period_key), 
	UNIQUE (receipt_digest)
)
;;
CREATE TABLE objection_event (
	id SERIAL NOT NULL, 
	case_id INTEGER NOT NULL, 
	at TIMESTAMP WITHOUT TIME ZONE NOT NULL, 
	actor VARCHAR(80) NOT NULL, 
	from_status VARCHAR(20) NOT NULL, 
	to_status VARCHAR(20) NOT NULL, 
	replied BOOLEAN NOT NULL, 
	note_sealed BYTEA, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES objection_case (id)
)
;;
CREATE INDEX ix_objection_event_case_id ON objection_event (case_id)
;;
CREATE TABLE objection_file (
	id SERIAL NOT NULL, 
	case_id INTEGER NOT NULL, 
	role VARCHAR(20) NOT NULL, 
	storage_name VARCHAR(64) NOT NULL, 
	extension VARCHAR(8) NOT NULL, 
	size INTEGER NOT NULL, 
	purged_at TIMESTAMP WITHOUT TIME ZONE, 
	name_sealed BYTEA, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES objection_case (id), 
	UNIQUE (storage_name)
)
;;
CREATE INDEX ix_objection_file_case_id ON objection_file (case_id)
;;
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql
;;
DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log
;;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
;;

import SQLite

/// The product's schema, as migrations by id. Append new migrations; never edit an applied one.
public enum Schema {
    public static var migrator: Migrator {
        var m = Migrator()
        m.register("0001-foundation", """
            -- Surveys known to the database. The file in surveys/ is the source of truth for questions;
            -- this row anchors participants and responses and records lifecycle events.
            CREATE TABLE surveys (
                id TEXT PRIMARY KEY,
                title TEXT NOT NULL,
                access TEXT NOT NULL CHECK (access IN ('invite', 'open')),
                anonymous INTEGER NOT NULL,
                first_loaded_at TEXT NOT NULL,
                opened_event_at TEXT,
                closed_event_at TEXT
            );

            -- People invited to a survey. email, email_key, name and token become NULL on purge.
            CREATE TABLE participants (
                id INTEGER PRIMARY KEY,
                survey_id TEXT NOT NULL REFERENCES surveys(id),
                email TEXT,
                email_key TEXT,
                name TEXT,
                language TEXT,
                attributes TEXT NOT NULL DEFAULT '{}',
                token TEXT UNIQUE,
                answered INTEGER NOT NULL DEFAULT 0,
                unsubscribed_at TEXT,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (survey_id, email_key)
            );

            -- One row per mail to send: an invitation (sequence 0) or the n-th reminder. The UNIQUE
            -- rule is what makes 'never twice' hold even when invite runs twice at once.
            -- A row is 'sending' while one process (claimed_by: its pid) has it; 'delivered' only
            -- after the server accepted it; 'unknown' when the connection broke after the message
            -- was sent (never resent automatically); 'cancelled' when the person unsubscribed or
            -- answered before it went out.
            CREATE TABLE mail_queue (
                id INTEGER PRIMARY KEY,
                participant_id INTEGER NOT NULL REFERENCES participants(id),
                survey_id TEXT NOT NULL REFERENCES surveys(id),
                kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
                sequence INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'delivered', 'deferred', 'failed', 'unknown', 'cancelled')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                claimed_by TEXT,
                claimed_at TEXT,
                reply_code INTEGER,
                last_reply TEXT,
                message_id TEXT NOT NULL,
                envelope_id TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                delivered_at TEXT,
                UNIQUE (participant_id, kind, sequence)
            );
            CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt_at);
            CREATE INDEX mail_queue_survey ON mail_queue (survey_id, kind);

            -- Answers. WITHOUT ROWID with a random id: rows are stored in id order, which follows
            -- neither the invitation nor the answer order (anonymous surveys).
            CREATE TABLE responses (
                id TEXT PRIMARY KEY,
                survey_id TEXT NOT NULL REFERENCES surveys(id),
                participant_id INTEGER REFERENCES participants(id),
                submitted TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('form', 'webhook')),
                attributes TEXT NOT NULL DEFAULT '{}',
                answers TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX responses_survey ON responses (survey_id);
            """)
        m.register("0002-webhook-receipts", """
            -- The first answer to each webhook-id, so that a retried delivery stores nothing new.
            -- Written in the same transaction as the response; kept at least 24 hours.
            CREATE TABLE webhook_receipts (
                webhook_id TEXT PRIMARY KEY,
                status INTEGER NOT NULL,
                body TEXT NOT NULL,
                received_at TEXT NOT NULL
            );
            CREATE INDEX webhook_receipts_age ON webhook_receipts (received_at);
            """)
        m.register("0003-responses-by-survey", """
            -- Responses clustered by survey: one survey's rows lie together, in the order of their
            -- random ids, so tallying a survey reads them in one sweep without an index lookup
            -- per row. The index serves counts per survey.
            CREATE TABLE responses_by_survey (
                id TEXT NOT NULL,
                survey_id TEXT NOT NULL REFERENCES surveys(id),
                participant_id INTEGER REFERENCES participants(id),
                submitted TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('form', 'webhook')),
                attributes TEXT NOT NULL DEFAULT '{}',
                answers TEXT NOT NULL,
                PRIMARY KEY (survey_id, id)
            ) WITHOUT ROWID;
            INSERT INTO responses_by_survey (id, survey_id, participant_id, submitted, source, attributes, answers)
                SELECT id, survey_id, participant_id, submitted, source, attributes, answers FROM responses;
            DROP TABLE responses;
            ALTER TABLE responses_by_survey RENAME TO responses;
            CREATE INDEX responses_survey ON responses (survey_id);
            """)
        m.register("0004-bounces-and-events", """
            -- A hard bounce: the address does not exist. No more mail goes to it for this survey.
            ALTER TABLE participants ADD COLUMN bounced_at TEXT;
            -- What a returned delivery status notification said about a delivery.
            ALTER TABLE mail_queue ADD COLUMN bounce TEXT CHECK (bounce IN ('hard', 'soft'));
            ALTER TABLE mail_queue ADD COLUMN bounced_at TEXT;

            -- Outgoing event webhooks, one row per event and endpoint, written in the transaction
            -- that caused the event. The webhook_id stays the same for every attempt.
            CREATE TABLE event_queue (
                id INTEGER PRIMARY KEY,
                webhook_id TEXT NOT NULL,
                url TEXT NOT NULL,
                survey_id TEXT,
                type TEXT NOT NULL,
                body TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NOT NULL,
                last_error TEXT,
                created_at TEXT NOT NULL,
                delivered_at TEXT,
                UNIQUE (webhook_id, url)
            );
            CREATE INDEX event_queue_due ON event_queue (status, next_attempt_at);
            """)
        m.register("0005-response-counts", """
            -- The index on responses(survey_id) repeated the primary key's first column: every
            -- stored response wrote a second randomly placed page. Counts per survey, which it
            -- served, are kept on the survey's row instead (one page per commit, not per response).
            DROP INDEX responses_survey;
            ALTER TABLE surveys ADD COLUMN response_count INTEGER NOT NULL DEFAULT 0;
            UPDATE surveys SET response_count = (SELECT count(*) FROM responses WHERE responses.survey_id = surveys.id);
            """)
        m.register("0006-codes-letters-paper", """
            -- Reaching people without email: an access code per participant (typed from a code
            -- card or a letter; unique in the database, NULL after purge), a postal address for
            -- letters, and when the person's letter or card was printed (invited by letter).
            -- Codes for the participants already there are assigned right after this migration.
            ALTER TABLE participants ADD COLUMN code TEXT;
            CREATE UNIQUE INDEX participants_code ON participants (code);
            ALTER TABLE participants ADD COLUMN street TEXT;
            ALTER TABLE participants ADD COLUMN postcode TEXT;
            ALTER TABLE participants ADD COLUMN city TEXT;
            ALTER TABLE participants ADD COLUMN printed_at TEXT;

            -- Answers typed in from paper questionnaires are stored with source 'paper'.
            CREATE TABLE responses_with_paper (
                id TEXT NOT NULL,
                survey_id TEXT NOT NULL REFERENCES surveys(id),
                participant_id INTEGER REFERENCES participants(id),
                submitted TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('form', 'webhook', 'paper')),
                attributes TEXT NOT NULL DEFAULT '{}',
                answers TEXT NOT NULL,
                PRIMARY KEY (survey_id, id)
            ) WITHOUT ROWID;
            INSERT INTO responses_with_paper (id, survey_id, participant_id, submitted, source, attributes, answers)
                SELECT id, survey_id, participant_id, submitted, source, attributes, answers FROM responses;
            DROP TABLE responses;
            ALTER TABLE responses_with_paper RENAME TO responses;
            """)
        m.register("0007-private-receipts-and-events", """
            -- Freed pages and bytes are overwritten with zeros: the old receipts and event bodies
            -- must not stay readable in the file.
            PRAGMA secure_delete = ON;

            -- The first answer to each webhook-id, kept under an HMAC of the id (the sender's id
            -- can name a person, e.g. msg_person_42) in a table without rowids, so that its rows
            -- follow no order of arrival; for anonymous surveys only the day. The receipts of
            -- the old table hold the ids themselves and are not kept: a sender that sends again
            -- a delivery answered just before the upgrade gets it stored again (an open survey)
            -- or 409 (a token that has answered).
            CREATE TABLE webhook_receipts_keyed (
                key TEXT PRIMARY KEY,
                status INTEGER NOT NULL,
                body TEXT NOT NULL,
                received_at TEXT NOT NULL
            ) WITHOUT ROWID;
            DROP TABLE webhook_receipts;
            ALTER TABLE webhook_receipts_keyed RENAME TO webhook_receipts;
            CREATE INDEX webhook_receipts_age ON webhook_receipts (received_at);

            -- Events about a response of an anonymous survey keep no time finer than the day next
            -- to the response id (their retry times are kept in memory), take a random row id,
            -- and lose their body once delivered or given up. Those already queued are cut to the day.
            ALTER TABLE event_queue ADD COLUMN day_only INTEGER NOT NULL DEFAULT 0;
            UPDATE event_queue SET day_only = 1, created_at = substr(created_at, 1, 10),
                next_attempt_at = substr(next_attempt_at, 1, 10), delivered_at = substr(delivered_at, 1, 10),
                body = CASE WHEN status IN ('delivered', 'failed') THEN ''
                            ELSE json_set(body, '$.timestamp', substr(json_extract(body, '$.timestamp'), 1, 10)) END
            WHERE type = 'response.created' AND coalesce(survey_id, '') NOT IN (SELECT id FROM surveys WHERE anonymous = 0);
            UPDATE event_queue SET id = (random() & 4611686018427387903) + 1 WHERE day_only = 1 AND status IN ('pending', 'sending');
            """)
        m.register("0008-admin-sessions", """
            -- Sessions of the organizers' console: only a SHA-256 of each session id is kept, so a
            -- copy of the database signs nobody in. A session ends 8 hours after it was last used.
            CREATE TABLE admin_sessions (
                id_hash TEXT PRIMARY KEY,
                created_at TEXT NOT NULL,
                last_seen_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX admin_sessions_last_seen ON admin_sessions (last_seen_at);
            """)
        m.register("0009-drafts", """
            -- Unfinished answers of a paged survey, kept with the personal link until they are sent:
            -- the form's fields as sent (name=value&..., only '%', '&', '=', '+' and controls
            -- escaped) and the furthest page reached. No time is kept. The row is deleted (with
            -- secure_delete) in the transaction that stores the response, and by purge.
            CREATE TABLE drafts (
                participant_id INTEGER PRIMARY KEY REFERENCES participants(id),
                reached INTEGER NOT NULL,
                fields TEXT NOT NULL
            );

            -- Keys the daemon keeps for itself: 'form-pages' signs the answers an open survey's
            -- paged form carries from page to page.
            CREATE TABLE daemon_keys (
                name TEXT PRIMARY KEY,
                key BLOB NOT NULL
            ) WITHOUT ROWID;
            """)
        m.register("0010-kept-tallies", """
            -- Tallies kept between runs of `results` (`Database+KeptTallies`). Every response
            -- the product stores (form, webhook, paper) is noted in this log in the transaction
            -- that stores it, under its survey's current epoch; a run that keeps a tally first
            -- starts a new epoch, and the kept tally covers the epochs before it. The next run
            -- reads the kept tally and adds the responses noted in later epochs.
            -- The log keeps no order: within an epoch its rows lie in the order of random
            -- response ids (anonymous answers must not be told apart by when they came), and an
            -- epoch starts only when a tally is kept and the current one holds 1,000 answers.
            -- Answers stored together whose ids share a half (`ResponseIDs`) are noted in one
            -- row, which tells no more than their ids do (one row per answer, or any trigger on
            -- responses, even one that does nothing, cost each durable POST 4-5 us, a tenth).
            -- An anonymous answer stored alone is not noted at all (see `voided`).
            CREATE TABLE tally_epochs (
                survey_id TEXT PRIMARY KEY,
                epoch INTEGER NOT NULL DEFAULT 0,
                -- The log's entries of epochs up to `cut` are gone (every kept tally covers them).
                cut INTEGER NOT NULL DEFAULT -1,
                -- How often something happened that a kept tally cannot follow: an anonymous
                -- answer stored alone (not noted: a row of its own would tell it apart as one of
                -- the newest), a response deleted or changed (the product never does either).
                -- A kept tally read before that is void.
                voided INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE TABLE tally_log (
                survey_id TEXT NOT NULL,
                epoch INTEGER NOT NULL,
                -- The smallest of the ids: a random place.
                first_id TEXT NOT NULL,
                -- The ids, comma-separated, and how many.
                response_ids TEXT NOT NULL,
                responses INTEGER NOT NULL,
                PRIMARY KEY (survey_id, epoch, first_id)
            ) WITHOUT ROWID;
            CREATE TRIGGER responses_deleted AFTER DELETE ON responses BEGIN
                INSERT INTO tally_epochs (survey_id, voided) VALUES (old.survey_id, 1)
                    ON CONFLICT (survey_id) DO UPDATE SET voided = voided + 1;
                DELETE FROM tally_snapshots WHERE survey_id = old.survey_id;
            END;
            CREATE TRIGGER responses_changed AFTER UPDATE ON responses BEGIN
                INSERT INTO tally_epochs (survey_id, voided) VALUES (old.survey_id, 1)
                    ON CONFLICT (survey_id) DO UPDATE SET voided = voided + 1;
                INSERT INTO tally_epochs (survey_id, voided) VALUES (new.survey_id, 1)
                    ON CONFLICT (survey_id) DO UPDATE SET voided = voided + 1;
                DELETE FROM tally_snapshots WHERE survey_id IN (old.survey_id, new.survey_id);
            END;

            -- One kept tally per survey and kind (`variant`: the breakdown and whether free texts
            -- are kept), for the survey's questions as they were (`plan`, a fingerprint of what
            -- the tally reads): every response logged in epochs up to `epoch`, and those of later
            -- epochs listed in `extras` (stored while the tally was being read; comma-separated).
            CREATE TABLE tally_snapshots (
                survey_id TEXT NOT NULL,
                variant TEXT NOT NULL,
                plan TEXT NOT NULL,
                epoch INTEGER NOT NULL,
                voided INTEGER NOT NULL,
                extras TEXT NOT NULL,
                responses INTEGER NOT NULL,
                data BLOB NOT NULL,
                PRIMARY KEY (survey_id, variant)
            ) WITHOUT ROWID;
            """)
        return m
    }
}

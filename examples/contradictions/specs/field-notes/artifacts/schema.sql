CREATE TABLE notes (id uuid PRIMARY KEY, body text NOT NULL);

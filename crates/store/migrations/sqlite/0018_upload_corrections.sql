-- What the person corrected in an upload's preview (the sheet to import, what a column holds),
-- kept with the upload so the confirmation and the findings download read the file exactly as
-- the last preview did. JSON written and read by the application layer; NULL for none.
ALTER TABLE pending_uploads ADD COLUMN corrections TEXT;

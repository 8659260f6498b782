-- Items whose search documents are behind their progress updates (sqlite). The group-commit
-- writer lists the items of a batch of progress updates here instead of rebuilding their
-- documents at every commit (an FTS5 segment flushed, and merged, per batch); a search first
-- asks the writer to rebuild every listed item's document and empty the list, in one
-- transaction, so no search answers from a document that lacks an acknowledged update.
CREATE TABLE search_backlog (
    item_id INTEGER PRIMARY KEY
);

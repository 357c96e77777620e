CREATE TABLE hello_visits (
    name TEXT NOT NULL PRIMARY KEY,
    visits INTEGER NOT NULL
);

DROP TABLE helplines;

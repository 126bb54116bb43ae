-- First start of the compose PostgreSQL: the three databases of the pipeline.
CREATE DATABASE customers;
CREATE DATABASE customers_replica;
CREATE DATABASE notifications;

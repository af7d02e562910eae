-- Each subgraph owns its own database on the shared server, so neither can read the other's
-- tables. Each database has two roles: its owner, which runs the migrations (the migrate
-- service), and the services' role, which only reads and writes rows and which row-level
-- security binds (NOSUPERUSER NOBYPASSRLS, owns nothing; db:deploy grants its row access).
-- The postgres image runs this only when its data volume is empty (first start); after
-- changing it, recreate the volume: docker-compose down -v. Passwords are for this local
-- stack only.
CREATE ROLE customer_owner LOGIN PASSWORD 'customer_owner';
CREATE ROLE customer_app LOGIN PASSWORD 'customer_app' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE customer OWNER customer_owner;
CREATE ROLE reservation_owner LOGIN PASSWORD 'reservation_owner';
CREATE ROLE reservation_app LOGIN PASSWORD 'reservation_app' NOSUPERUSER NOBYPASSRLS;
CREATE DATABASE reservation OWNER reservation_owner;

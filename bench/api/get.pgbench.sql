-- pgbench ceiling for GET /api/customers/{id}: the API's SELECT (autocommit).
\set id random(1, :max_id)
SELECT id, name, phone, email, deleted, version, (extract(epoch FROM created_on) * 1000000)::bigint,
       (extract(epoch FROM updated_on) * 1000000)::bigint, created_by, updated_by
  FROM customers WHERE id = :id AND NOT deleted;

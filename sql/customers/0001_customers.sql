-- Customers, with the reference implementation's field names.
CREATE TABLE customers (
  id         bigserial PRIMARY KEY,
  name       varchar(400) NOT NULL,
  phone      text NOT NULL,
  email      text NOT NULL,
  deleted    boolean NOT NULL DEFAULT false,
  version    integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_on timestamptz NOT NULL DEFAULT now(),
  updated_on timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL DEFAULT '',
  updated_by text NOT NULL DEFAULT ''
);

-- Keyset pages of live customers, newest first.
CREATE INDEX customers_live_by_id ON customers (id DESC) WHERE NOT deleted;

// A too-large row that the database refuses to park: the relay must not claim
// it parked it. The batch counts as failed (--once exits 3), the row stays
// pending and still holds back its customer's later rows while other
// customers' rows go out; the next pass parks it.

#include <doctest/doctest.h>

#include "integration/relay/relay_fixture.hpp"

using testing::RelayFixture;

TEST_CASE("a park the database cannot record is logged as such, not as parked, and made later") {
  RelayFixture f;
  const auto blocked = f.createCustomer(1);
  const auto other = f.createCustomer(2);
  f.execute(
      "INSERT INTO outbox (topic, kafka_key, aggregate_type, aggregate_id, aggregate_version, "
      "event_type, payload) VALUES ('" +
      f.topics().crud + "', '" + std::to_string(blocked) + "', 'customer', " +
      std::to_string(blocked) +
      ", 2, 'customer.updated', jsonb_build_object('pad', repeat('x', 5000)))");
  f.renameCustomer(blocked, "behind the big one");
  f.renameCustomer(other, "unaffected");
  f.execute(
      "CREATE FUNCTION refuse_park() RETURNS trigger LANGUAGE plpgsql AS "
      "$$ BEGIN RAISE EXCEPTION 'parking refused by the test'; END $$");
  f.execute(
      "CREATE TRIGGER refuse_park BEFORE UPDATE ON outbox FOR EACH ROW "
      "WHEN (NEW.parked_at IS NOT NULL) EXECUTE FUNCTION refuse_park()");
  const std::string flags = "--once --max-message-bytes 4096 --brokers " + testing::kafkaBrokers() +
                            testing::kafkaIdentityArgs("outbox-relay") + " --lock-key " +
                            std::to_string(f.relayOptions().lock_key) + " --metrics-address ''";
  const auto waiting = [&](std::int64_t customer) {
    return f.scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL AND aggregate_id = " +
                    std::to_string(customer));
  };

  const auto refused = f.relayCommand("", flags);
  CHECK_MESSAGE(refused.exit_code == 3, refused.output);
  CHECK_MESSAGE(refused.output.find("could not park outbox row id=") != std::string::npos,
                refused.output);
  CHECK_MESSAGE(refused.output.find("parked outbox row") == std::string::npos, refused.output);
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL OR attempts > 0") == 0);
  CHECK(waiting(blocked) == 3);  // the big row, then the rename and its e-mail
  CHECK(waiting(other) == 0);

  f.execute("DROP TRIGGER refuse_park ON outbox");
  const auto parked = f.relayCommand("", flags);
  CHECK_MESSAGE(parked.exit_code == 4, parked.output);  // drained; a parked row remains
  CHECK_MESSAGE(parked.output.find("parked outbox row id=") != std::string::npos, parked.output);
  CHECK(f.scalar("SELECT count(*) FROM outbox WHERE parked_at IS NOT NULL") == 1);
  CHECK(waiting(blocked) == 3);
}

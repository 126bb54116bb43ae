# Every dependency comes from a Debian package (setup/install-deps.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
# outbox-relay --source wal: libpqxx cannot open replication connections.
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka++ rdkafka)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)

find_package(Threads REQUIRED)
find_package(spdlog REQUIRED)
find_package(RapidJSON REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
if(OUTBOX_BUILD_TESTS)
  find_package(doctest REQUIRED)
endif()

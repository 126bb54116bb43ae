# Warnings and sanitizers are INTERFACE targets that each target links PRIVATE,
# so no compile option leaks globally or into third-party code.
add_library(project_warnings INTERFACE)
target_compile_options(project_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
  -Wcast-align -Wunused -Woverloaded-virtual
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)

add_library(project_sanitizers INTERFACE)
if(OUTBOX_SANITIZE)
  target_compile_options(project_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(project_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# In the fuzz build every library is instrumented for coverage, so libFuzzer
# is guided by the decoders themselves, not only by the fuzz target's file.
if(OUTBOX_FUZZ)
  target_compile_options(project_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()

add_library(project_options INTERFACE)
target_link_libraries(project_options INTERFACE project_warnings project_sanitizers)

# What crosses between ranks, as bytes (`unit`): canopy/serialize.hpp and comm/message's framing.
# message.cpp is compiled in as well: libcanopy hides its symbols, and the fuzzer builds it alone too.
canopy_add_test(wire_test LABELS unit TIMEOUT 60 SOURCES wire_test.cpp wire_message_test.cpp
                ${PROJECT_SOURCE_DIR}/comm/message.cpp)
target_include_directories(wire_test PRIVATE ${PROJECT_SOURCE_DIR})

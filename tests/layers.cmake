# The layered-libraries API: reading in the parent, index launches over pieces, regions returned, and
# the misuses that must not compile.
canopy_add_test(layers_access_test LABELS core SOURCES layers/access_test.cpp)
canopy_add_test(layers_each_test LABELS core SOURCES layers/each_test.cpp)

# canopy_must_not_compile(name source regex): the test builds `source` and passes only when the
# compiler refuses it with a message matching `regex`.
function(canopy_must_not_compile name source regex)
  add_library(${name} OBJECT EXCLUDE_FROM_ALL ${source})
  target_link_libraries(${name} PRIVATE canopy::canopy)
  canopy_target_defaults(${name})
  add_test(NAME compile.${name}
           COMMAND ${CMAKE_COMMAND} --build ${CMAKE_BINARY_DIR} --target ${name})
  set_tests_properties(compile.${name} PROPERTIES LABELS compile TIMEOUT 300 PASS_REGULAR_EXPRESSION "${regex}")
endfunction()

canopy_must_not_compile(accessor_as_argument layers/must_not_compile/accessor_as_argument.cpp
                        "accessor passed as a plain argument would bypass privileges and ordering")
canopy_must_not_compile(accessor_by_reference layers/must_not_compile/accessor_by_reference.cpp
                        "accessor passed as a plain argument would bypass privileges and ordering")
canopy_must_not_compile(reference_parameter layers/must_not_compile/reference_parameter.cpp
                        "never as Read<T>&")
canopy_must_not_compile(hand_made_accessor layers/must_not_compile/hand_made_accessor.cpp
                        "is private within this context|no matching function for call to [^ ]*canopy::Read<long int>::Read")
canopy_must_not_compile(access_reduce layers/must_not_compile/access_reduce.cpp
                        "fold reductions in child tasks")
canopy_add_test(layers_reduce_test LABELS core SOURCES layers/reduce_test.cpp)
canopy_add_test(layers_dangling_test LABELS core SOURCES layers/dangling_test.cpp)
target_compile_definitions(layers_dangling_test PRIVATE CANOPY_CHECKED=1)

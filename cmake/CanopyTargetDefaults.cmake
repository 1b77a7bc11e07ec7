# canopy_target_defaults(target): the warnings and sanitizer flags every Canopy target gets.
function(canopy_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-interference-size>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${CANOPY_WERROR}>>:-Werror>)
  if(CANOPY_SANITIZE)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${CANOPY_SANITIZE} -fno-omit-frame-pointer>)
    target_link_options(${target} PRIVATE -fsanitize=${CANOPY_SANITIZE})
  endif()
endfunction()

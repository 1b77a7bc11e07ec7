# canopy_target_defaults(target): the warnings and sanitizer flags every Canopy target gets.
function(canopy_target_defaults target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-interference-size>
    $<$<AND:$<COMPILE_LANGUAGE:CXX>,$<BOOL:${CANOPY_WERROR}>>:-Werror>)
  if(CANOPY_SANITIZE)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${CANOPY_SANITIZE} -fno-omit-frame-pointer>)
    # By default UBSan reports and carries on, and the test would pass: make each finding fatal.
    if(CANOPY_SANITIZE MATCHES "undefined")
      target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-fno-sanitize-recover=undefined>)
    endif()
    target_link_options(${target} PRIVATE -fsanitize=${CANOPY_SANITIZE})
  endif()
endfunction()

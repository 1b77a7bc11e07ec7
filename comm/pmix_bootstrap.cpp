// PMIx client session (see pmix_bootstrap.hpp).
#include "comm/pmix_bootstrap.hpp"

#include <cstring>

#include "canopy/errors.hpp"

namespace canopy::comm {

std::string pmix_error(const char* call, const char* step, pmix_status_t status) {
  return std::string(call) + " (" + step + ") failed: " + PMIx_Error_string(status);
}

PmixBootstrap::PmixBootstrap() {
  pmix_status_t rc = PMIx_Init(&me_, nullptr, 0);
  if (rc != PMIX_SUCCESS)
    throw Error(pmix_error("PMIx_Init", "connecting to the launcher's PMIx server", rc) +
                " (was this process started by mpirun, srun or prterun?)");
  initialized_ = true;
  rank_ = static_cast<int>(me_.rank);
  try {
    size_ = static_cast<int>(get_job_u32(PMIX_JOB_SIZE, PMIX_RANK_WILDCARD, "reading the job size"));
    local_size_ = static_cast<int>(get_job_u32(PMIX_LOCAL_SIZE, PMIX_RANK_WILDCARD, "reading the ranks on this node"));
    local_rank_ = static_cast<int>(get_job_u32(PMIX_LOCAL_RANK, me_.rank, "reading the rank on this node"));
  } catch (...) {
    finalize();
    throw;
  }
}

PmixBootstrap::~PmixBootstrap() { finalize(); }

void PmixBootstrap::finalize() {
  if (!initialized_) return;
  initialized_ = false;
  PMIx_Finalize(nullptr, 0);
}

std::uint32_t PmixBootstrap::get_job_u32(const char* key, pmix_rank_t rank, const char* step) {
  pmix_proc_t proc;
  PMIX_PROC_CONSTRUCT(&proc);
  PMIX_LOAD_PROCID(&proc, me_.nspace, rank);
  pmix_value_t* val = nullptr;
  pmix_status_t rc = PMIx_Get(&proc, key, nullptr, 0, &val);
  if (rc != PMIX_SUCCESS || !val) throw Error(pmix_error("PMIx_Get", step, rc));
  std::uint64_t out = 0;
  switch (val->type) {  // servers differ in the integer type they store
    case PMIX_UINT32: out = val->data.uint32; break;
    case PMIX_UINT16: out = val->data.uint16; break;
    case PMIX_INT: out = static_cast<std::uint64_t>(val->data.integer); break;
    case PMIX_UINT64: out = val->data.uint64; break;
    case PMIX_PROC_RANK: out = val->data.rank; break;
    default: {
      std::string type = PMIx_Data_type_string(val->type);
      PMIX_VALUE_RELEASE(val);
      throw Error(std::string("PMIx_Get (") + step + ") returned an unexpected type " + type);
    }
  }
  PMIX_VALUE_RELEASE(val);
  return static_cast<std::uint32_t>(out);
}

void PmixBootstrap::put(const std::string& key, const void* data, std::size_t len) {
  pmix_value_t v;
  PMIX_VALUE_CONSTRUCT(&v);
  v.type = PMIX_BYTE_OBJECT;
  v.data.bo.bytes = static_cast<char*>(const_cast<void*>(data));
  v.data.bo.size = len;
  pmix_status_t rc = PMIx_Put(PMIX_GLOBAL, key.c_str(), &v);  // PMIx_Put copies the value
  if (rc != PMIX_SUCCESS) throw Error(pmix_error("PMIx_Put", key.c_str(), rc));
}

void PmixBootstrap::put_u64(const std::string& key, std::uint64_t value) {
  pmix_value_t v;
  PMIX_VALUE_CONSTRUCT(&v);
  v.type = PMIX_UINT64;
  v.data.uint64 = value;
  pmix_status_t rc = PMIx_Put(PMIX_GLOBAL, key.c_str(), &v);
  if (rc != PMIX_SUCCESS) throw Error(pmix_error("PMIx_Put", key.c_str(), rc));
}

bool PmixBootstrap::commit_and_fence(bool collect, int timeout_s, std::string* why) {
  pmix_status_t rc = PMIx_Commit();
  if (rc != PMIX_SUCCESS) {
    *why = pmix_error("PMIx_Commit", "publishing this rank's data", rc);
    return false;
  }
  pmix_info_t info[2];
  PMIX_INFO_CONSTRUCT(&info[0]);
  PMIX_INFO_CONSTRUCT(&info[1]);
  bool yes = collect;
  PMIX_INFO_LOAD(&info[0], PMIX_COLLECT_DATA, &yes, PMIX_BOOL);
  int timeout = timeout_s;
  PMIX_INFO_LOAD(&info[1], PMIX_TIMEOUT, &timeout, PMIX_INT);
  pmix_proc_t all;
  PMIX_PROC_CONSTRUCT(&all);
  PMIX_LOAD_PROCID(&all, me_.nspace, PMIX_RANK_WILDCARD);
  rc = PMIx_Fence(&all, 1, info, timeout_s > 0 ? 2 : 1);
  PMIX_INFO_DESTRUCT(&info[0]);
  PMIX_INFO_DESTRUCT(&info[1]);
  if (rc != PMIX_SUCCESS) {
    *why = pmix_error("PMIx_Fence", "waiting for every rank", rc);
    return false;
  }
  return true;
}

pmix_value_t* PmixBootstrap::get(int peer, const std::string& key, pmix_data_type_t type) {
  pmix_proc_t proc;
  PMIX_PROC_CONSTRUCT(&proc);
  PMIX_LOAD_PROCID(&proc, me_.nspace, static_cast<pmix_rank_t>(peer));
  pmix_value_t* val = nullptr;
  pmix_status_t rc = PMIx_Get(&proc, key.c_str(), nullptr, 0, &val);
  std::string step = "reading " + key + " of rank " + std::to_string(peer);
  if (rc != PMIX_SUCCESS || !val) throw Error(pmix_error("PMIx_Get", step.c_str(), rc));
  if (val->type != type) {
    PMIX_VALUE_RELEASE(val);
    throw Error("PMIx_Get (" + step + ") returned a value of the wrong type");
  }
  return val;
}

std::vector<std::byte> PmixBootstrap::get_bytes(int peer, const std::string& key) {
  pmix_value_t* val = get(peer, key, PMIX_BYTE_OBJECT);
  auto p = reinterpret_cast<const std::byte*>(val->data.bo.bytes);
  std::vector<std::byte> out(p, p + val->data.bo.size);
  PMIX_VALUE_RELEASE(val);
  return out;
}

std::uint64_t PmixBootstrap::get_u64(int peer, const std::string& key) {
  pmix_value_t* val = get(peer, key, PMIX_UINT64);
  std::uint64_t out = val->data.uint64;
  PMIX_VALUE_RELEASE(val);
  return out;
}

}  // namespace canopy::comm

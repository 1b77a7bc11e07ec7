#pragma once
// Bootstrapping a rank through the launcher's PMIx server: who am I, how many are we, and an
// all-gather of small blobs (UCX worker addresses). No MPI: PMIx is what mpirun, srun and prterun share.
#include <pmix.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace canopy::comm {

/// PmixBootstrap is this process's PMIx client session, from PMIx_Init to PMIx_Finalize. Every failure
/// throws canopy::Error naming the PMIx call and the step of the bootstrap it belonged to.
class PmixBootstrap {
 public:
  /// Connects to the launcher's PMIx server and reads rank, job size, local rank and local size.
  PmixBootstrap();
  /// Finalizes PMIx (see finalize()).
  ~PmixBootstrap();
  PmixBootstrap(const PmixBootstrap&) = delete;
  PmixBootstrap& operator=(const PmixBootstrap&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }

  /// put publishes this rank's value under `key` (visible to the others after commit and a fence).
  void put(const std::string& key, const void* data, std::size_t len);
  void put_u64(const std::string& key, std::uint64_t value);
  /// commit_and_fence commits what was put and waits for every rank (with their data when `collect`);
  /// `timeout_s` > 0 bounds the wait. Returns false on timeout or failure, with the reason in `why`.
  bool commit_and_fence(bool collect, int timeout_s, std::string* why);
  /// get_bytes/get_u64 read `key` as rank `peer` put it (after a fence).
  std::vector<std::byte> get_bytes(int peer, const std::string& key);
  std::uint64_t get_u64(int peer, const std::string& key);

  /// finalize ends the PMIx session; idempotent.
  void finalize();

 private:
  pmix_value_t* get(int peer, const std::string& key, pmix_data_type_t type);
  std::uint32_t get_job_u32(const char* key, pmix_rank_t rank, const char* step);

  pmix_proc_t me_{};
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool initialized_ = false;
};

/// pmix_error names a failed PMIx call: "PMIx_Fence (exchanging UCX addresses) failed: PMIX_ERR_TIMEOUT".
std::string pmix_error(const char* call, const char* step, pmix_status_t status);

}  // namespace canopy::comm

// Placed spawns and task introspection.
#include <string>

#include "canopy/errors.hpp"
#include "canopy/gpu.hpp"
#include "canopy/placement.hpp"
#include "completion.hpp"
#include "runtime_impl.hpp"

namespace canopy::detail {

void check_placement(const Frame* parent, Placement p) {
  const Runtime::Impl& rt = rt::runtime_of(parent->worker);
  switch (p.kind) {
    case Placement::Kind::anywhere:
    case Placement::Kind::here:
      return;
    case Placement::Kind::rank:
      if (p.index < 0 || p.index >= rt.ranks)
        throw RemoteError("canopy: spawn on_rank(" + std::to_string(p.index) + ") from task '" +
                          rt::task_name(parent) + "': the job has " + std::to_string(rt.ranks) +
                          " rank(s); start it with mpirun for more");
      return;
    case Placement::Kind::socket:
      if (p.index < 0 || p.index >= rt.scheduler->sockets())
        throw Error("canopy: spawn on_socket(" + std::to_string(p.index) + ") from task '" + rt::task_name(parent) +
                    "': this rank has " + std::to_string(rt.scheduler->sockets()) + " socket(s)");
      if (rt.scheduler->workers_on(p.index) == 0)
        throw Error("canopy: spawn on_socket(" + std::to_string(p.index) + ") from task '" + rt::task_name(parent) +
                    "': no worker runs on that socket (" + std::to_string(rt.scheduler->workers()) +
                    " workers for " + std::to_string(rt.scheduler->sockets()) + " sockets)");
      return;
    case Placement::Kind::gpu:
      if (gpu_count() == 0 || p.index >= gpu_count())
        throw NoDeviceError("canopy: spawn on_gpu(" + (p.index < 0 ? std::string() : std::to_string(p.index)) +
                            ") from task '" + rt::task_name(parent) + "': " + gpu_status());
      throw NoDeviceError("canopy: spawn on_gpu from task '" + rt::task_name(parent) +
                          "': this build of Canopy has no GPU scheduler yet");
  }
}

void spawn_placed(Frame* parent, Frame* child, Placement p) {
  Runtime::Impl& rt = rt::runtime_of(parent->worker);
  if (p.kind == Placement::Kind::socket) {
    rt.scheduler->submit(child, p.index);
    return;
  }
  parent->worker->push_task(child);  // this rank: an on_rank(own rank) spawn is an ordinary one
}

TaskInfo task_info(const Frame* f) {
  TaskInfo info;
  info.id = rt::task_id(f);
  info.depth = static_cast<int>(rt::task_depth(f));
  if (f->worker) {
    info.rank = f->worker->rank;
    info.socket = f->worker->socket;
    info.worker = f->worker->index;
  }
  return info;
}

int job_ranks(const Frame* f) { return rt::runtime_of(f->worker).ranks; }

}  // namespace canopy::detail

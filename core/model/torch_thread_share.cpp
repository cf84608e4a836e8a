#include "core/model/torch_thread_share.h"

#include <torch/torch.h>

namespace mnistx::model
{

namespace
{

thread_local bool t_sharing = false;

} // namespace

TorchThreadShare::TorchThreadShare()
    : m_outer(!t_sharing), m_own(torch::get_num_threads()), m_applied(m_own), m_share(m_own)
{
    t_sharing = true;
}

TorchThreadShare::~TorchThreadShare()
{
    if (!m_outer)
        return;
    t_sharing = false;
    if (m_applied != m_own)
        torch::set_num_threads(m_own);
}

void TorchThreadShare::step()
{
    if (!m_outer)
        return;
    const int threads = m_share.threads();
    if (threads == m_applied)
        return;
    torch::set_num_threads(threads);
    m_applied = threads;
}

} // namespace mnistx::model

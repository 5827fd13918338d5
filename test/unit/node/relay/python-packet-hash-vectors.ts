/**
 * Packets and their hashes as Python RNS computed them (output of packet-hash-vectors.py, one
 * run against Python RNS 1.4.2, pasted). `_h2` vectors are the `_h1` packet rewritten as a transport
 * node does (HEADER_2, transport id 0xAA.., other hops): same hash.
 */
export const PYTHON_PACKET_HASH_VECTORS: ReadonlyArray<{
  name: string;
  raw: string;
  hash: string;
  context: number;
}> = [
  {
    name: 'announce_h1',
    raw: '01002276869471c0af648ac59459fc93151a008f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd719567e33357f8d16554b46cd23fbdd006b057302bc0517d32344d91e63b125d001b4e83344d16fe97de6e70209c7ff899eb46f0e6a42433067745ed9390396df4f3c90e66f602e725f405ece06f624a3bc1ecf0c68656c6c6f',
    hash: '771ecedf0f53c686dc8c7e2b2d1f04a5855bbea416d351334ae6a1baf7681ebe',
    context: 0,
  },
  {
    name: 'data_h1',
    raw: '00002276869471c0af648ac59459fc93151a0058b243def4715ac9c2f1d20ed4001f97c57883d9ef226d9ed790d2ca4234540ded3c61f566bed4cc0ef80c09030eec6706bff4e63a1482d5243674c2db1482307b88b7e0322bad1be1fad1896fe6eca909b50897c5187b81e6fbc443dae2bb95',
    hash: '2e6b939453a5141ced4a236504f33bd58637b9c1111b748a69bb7b56fed334ae',
    context: 0,
  },
  {
    name: 'plain_h1',
    raw: '08000481be69a69eb75069cc66211fed552a00706c61696e2064617461',
    hash: 'b7de954add65a69a31e08e0bcbffbdbd1f6cb4a934f90b61543818cca1f57dce',
    context: 0,
  },
  {
    name: 'announce_h2',
    raw: '5103aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2276869471c0af648ac59459fc93151a008f40c5adb68f25624ae5b214ea767a6ec94d829d3d7b5e1ad1ba6f3e2138285f29acbae141bccaf0b22e1a94d34d0bc7361e526d0bfe12c89794bc9322966dd719567e33357f8d16554b46cd23fbdd006b057302bc0517d32344d91e63b125d001b4e83344d16fe97de6e70209c7ff899eb46f0e6a42433067745ed9390396df4f3c90e66f602e725f405ece06f624a3bc1ecf0c68656c6c6f',
    hash: '771ecedf0f53c686dc8c7e2b2d1f04a5855bbea416d351334ae6a1baf7681ebe',
    context: 0,
  },
  {
    name: 'data_h2',
    raw: '5001aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2276869471c0af648ac59459fc93151a0058b243def4715ac9c2f1d20ed4001f97c57883d9ef226d9ed790d2ca4234540ded3c61f566bed4cc0ef80c09030eec6706bff4e63a1482d5243674c2db1482307b88b7e0322bad1be1fad1896fe6eca909b50897c5187b81e6fbc443dae2bb95',
    hash: '2e6b939453a5141ced4a236504f33bd58637b9c1111b748a69bb7b56fed334ae',
    context: 0,
  },
  {
    name: 'data_h1_hops5',
    raw: '00052276869471c0af648ac59459fc93151a0058b243def4715ac9c2f1d20ed4001f97c57883d9ef226d9ed790d2ca4234540ded3c61f566bed4cc0ef80c09030eec6706bff4e63a1482d5243674c2db1482307b88b7e0322bad1be1fad1896fe6eca909b50897c5187b81e6fbc443dae2bb95',
    hash: '2e6b939453a5141ced4a236504f33bd58637b9c1111b748a69bb7b56fed334ae',
    context: 0,
  },
  {
    name: 'keepalive_h1',
    raw: '0c0011111111111111111111111111111111faff',
    hash: '8830f2195922be1d16687620423591173ba92d57cc9fff2e1a594c619677176d',
    context: 250,
  },
  {
    name: 'keepalive_h2_ctxflag',
    raw: '6c02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa11111111111111111111111111111111fafe',
    hash: 'dfc471d907e16453d78303ff1f5b5660fc417a7d24a899fb6f60c8c89ca664b4',
    context: 250,
  },
];

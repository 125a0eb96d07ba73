import { describe, expect, it } from 'vitest';
import {
  resolveAdaptorName,
  readCheckpointAdaptors,
} from '../../../../src-main/core/models/checkpoint-config';
import { describeNetworkFailure } from '../../../../src-main/core/models/http-client';
import {
  contentMismatch,
  describeHubStatus,
  hubEndpoint,
  hubToken,
  resolveUrl,
} from '../../../../src-main/core/models/hub';
import { TransferRate } from '../../../../src-main/core/models/transfer-rate';

const fetchFailed = (code: string): Error =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ${code}`), { code }) });

describe('hub endpoint, token and URLs', () => {
  it('uses the mirror, else HF_ENDPOINT, else huggingface.co', () => {
    expect(hubEndpoint(undefined, {})).toBe('https://huggingface.co');
    expect(hubEndpoint(null, { HF_ENDPOINT: 'https://hf-mirror.com/' })).toBe('https://hf-mirror.com');
    expect(hubEndpoint('https://mirror.example/hf/', { HF_ENDPOINT: 'https://x' })).toBe(
      'https://mirror.example/hf',
    );
    expect(() => hubEndpoint('ftp://x', {})).toThrow('The model mirror "ftp://x" must be an http(s) URL.');
  });

  it('reads HF_TOKEN, then the older HUGGING_FACE_HUB_TOKEN', () => {
    expect(hubToken({ HF_TOKEN: ' hf_a ', HUGGING_FACE_HUB_TOKEN: 'hf_b' })).toBe('hf_a');
    expect(hubToken({ HUGGING_FACE_HUB_TOKEN: 'hf_b' })).toBe('hf_b');
    expect(hubToken({ HF_TOKEN: '' })).toBeUndefined();
  });

  it('builds resolve URLs with each path segment escaped', () => {
    expect(
      resolveUrl('https://huggingface.co', 'nvidia/C-RADIOv3-B', 'main', 'sub dir/model.safetensors'),
    ).toBe('https://huggingface.co/nvidia/C-RADIOv3-B/resolve/main/sub%20dir/model.safetensors');
  });
});

describe('one sentence per failure', () => {
  const ref = { repo: 'nvidia/C-RADIOv4-H', revision: 'main', host: 'huggingface.co' };
  it('HTTP statuses', () => {
    expect(describeHubStatus(401, { ...ref, tokenSent: false }).message).toBe(
      'nvidia/C-RADIOv4-H needs a Hugging Face token (HTTP 401): set HF_TOKEN to a token that may read it',
    );
    expect(describeHubStatus(403, { ...ref, tokenSent: true })).toEqual({
      code: 'forbidden',
      message:
        'access to nvidia/C-RADIOv4-H is refused (HTTP 403): accept its terms on the hub with the account whose token is in HF_TOKEN',
    });
    expect(describeHubStatus(404, { ...ref, file: 'model.safetensors', tokenSent: false })).toEqual({
      code: 'not_found',
      message: 'nvidia/C-RADIOv4-H@main has no file model.safetensors on huggingface.co (HTTP 404)',
    });
  });

  it('network failures: DNS, refused, TLS', () => {
    const url = 'https://huggingface.co/api/models/x/y/tree/main';
    expect(describeNetworkFailure(fetchFailed('ENOTFOUND'), url)).toBe(
      'Cannot reach huggingface.co: the name does not resolve (offline, or DNS blocked); check the network connection or set a model mirror.',
    );
    expect(describeNetworkFailure(fetchFailed('EAI_AGAIN'), url)).toMatch(
      /^Cannot reach huggingface\.co: the name does not resolve/,
    );
    const aggregate = new TypeError('fetch failed', {
      cause: Object.assign(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]), {}),
    });
    expect(describeNetworkFailure(aggregate, url)).toMatch(
      /^Cannot reach huggingface\.co: the connection was refused/,
    );
    expect(describeNetworkFailure(fetchFailed('SELF_SIGNED_CERT_IN_CHAIN'), url)).toBe(
      'Cannot reach huggingface.co: its TLS certificate was refused (SELF_SIGNED_CERT_IN_CHAIN); a proxy that inspects HTTPS needs its CA in NODE_EXTRA_CA_CERTS.',
    );
  });
});

describe('content checks against the tree listing', () => {
  it('git blob sha1 for small files, sha256 for LFS files', () => {
    const b = Buffer.from('hello\n');
    // `git hash-object` of "hello\n".
    expect(
      contentMismatch(b, { bytes: 6, gitSha1: 'ce013625030ba8dba906f756967f9e9ca394464a' }),
    ).toBeUndefined();
    expect(
      contentMismatch(b, { sha256: '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03' }),
    ).toBeUndefined();
    expect(contentMismatch(b, { bytes: 7 })).toBe('6 bytes, expected 7');
    expect(contentMismatch(b, { gitSha1: '0'.repeat(40) })).toMatch(/^git blob sha1 mismatch/);
  });
});

describe('checkpoint config', () => {
  it('finds adaptors from adaptor_configs even when adaptor_names is null (hf_hub.py pushes it so)', () => {
    const cfg = readCheckpointAdaptors(
      Buffer.from(
        JSON.stringify({
          adaptor_names: null,
          adaptor_configs: { 'siglip2-g': {}, sam: {} },
          args: { teachers: [{ name: 'siglip2-g', model: 'siglip2-g-384' }, { name: 'sam' }] },
        }),
      ),
      'nvidia/X',
    );
    expect(cfg.names).toEqual(['siglip2-g', 'sam']);
    expect([...cfg.teacherModels]).toEqual([['siglip2-g', 'siglip2-g-384']]);
    expect(() => readCheckpointAdaptors(Buffer.from('not json'), 'nvidia/X')).toThrow(
      'nvidia/X/config.json is not valid JSON.',
    );
  });

  it('matches the catalogue adaptor name to the checkpoint own one within a family', () => {
    expect(resolveAdaptorName('siglip2-g', ['clip', 'siglip2', 'sam'])).toBe('siglip2');
    expect(resolveAdaptorName('siglip2-g', ['siglip2-g', 'siglip2'])).toBe('siglip2-g');
    expect(resolveAdaptorName('sam', ['sam3'])).toBeUndefined();
    expect(resolveAdaptorName('sam', [])).toBe('sam');
  });
});

describe('transfer rate and ETA', () => {
  it('smooths the rate and predicts the time left', () => {
    let t = 0;
    const rate = new TransferRate(() => t, 500, 0.5);
    expect(rate.update(0)).toBeNull();
    t = 1000;
    expect(rate.update(1000)).toBe(1000);
    t = 2000;
    expect(rate.update(4000)).toBe(2000); // 0.5·3000 + 0.5·1000
    expect(rate.etaSeconds(4000, 10000)).toBe(3);
    t = 2100;
    expect(rate.update(9000)).toBe(2000); // under the sample interval: unchanged
  });
});

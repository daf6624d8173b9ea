print('job')
